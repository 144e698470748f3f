/**
 * Open live connections, counted per client address and for the whole process, over both
 * transports: one client cannot hold every slot, and a flood cannot take the router's memory.
 */
export type ConnectionLimits = {
  /** A slot for one connection from `ip`, to release when it closes; null when full. */
  acquire(ip: string): (() => void) | null;
  readonly open: number;
};

export function createConnectionLimits(limits: {
  perClient: number;
  perProcess: number;
}): ConnectionLimits {
  const perClient = new Map<string, number>();
  let open = 0;
  return {
    acquire(ip) {
      const mine = perClient.get(ip) ?? 0;
      if (open >= limits.perProcess || mine >= limits.perClient) return null;
      open += 1;
      perClient.set(ip, mine + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        open -= 1;
        const left = (perClient.get(ip) ?? 1) - 1;
        if (left === 0) perClient.delete(ip);
        else perClient.set(ip, left);
      };
    },
    get open() {
      return open;
    },
  };
}
