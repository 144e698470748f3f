import { serviceConfig } from '../src/service-config.ts';

export default serviceConfig('orders', import.meta.dirname);
