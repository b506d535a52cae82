import type { Bus } from '@gatehouse/bus';
import type { ReadinessCheck, ShutdownStep } from '@gatehouse/health';
import type { Logger } from '@gatehouse/logging';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  bus: Bus;
  redis: Redis;
}

/**
 * One area of the public surface (OAuth endpoints and pages, /mcp, /admin): its routes, and any
 * background work it runs (started before the port opens, stopped on shutdown).
 */
export interface GatewayModule {
  name: string;
  router: Router;
  start?(): Promise<void>;
  /** Ends long-lived responses (GET /mcp event streams) once the listener stops taking requests. */
  drain?(): Promise<void>;
  stop?: ShutdownStep['run'];
  checks?: Record<string, ReadinessCheck>;
}
