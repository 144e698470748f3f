import { serviceConfig } from '../src/service-config.ts';

export default serviceConfig('users', import.meta.dirname);
