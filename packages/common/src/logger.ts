import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs; credentials never reach them, whatever a caller passes. */
export function createLogger(name: string, level: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'req.headers.authorization',
        'headers.authorization',
        'variables.password',
        'variables.input.password',
      ],
      censor: '[redacted]',
    },
  });
}
