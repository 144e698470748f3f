import { serviceConfig } from '../src/service-config.ts';

export default serviceConfig('tasks', import.meta.dirname);
