export const PUMP_SOURCES = Symbol('PUMP_SOURCES');
export const PUMP_CONFIG = Symbol('PUMP_CONFIG');
