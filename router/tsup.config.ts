import { defineConfig } from 'tsup';
import { serviceBundle } from '../tsup.base.ts';

export default defineConfig(serviceBundle({ copySchema: false }));
