export const root: string;
export const MOTO_VERSION: string;
export const VERSITYGW_VERSION: string;
export const localCredentials: { accessKeyId: string; secretAccessKey: string };
export interface LocalServer {
  endpoint: string;
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}
export function ensureMoto(): string;
export function ensureVersitygw(): string;
export function ensureCfnLint(): string;
export const CFN_LINT_VERSION: string;
export const APP_LIBRARIES: Record<string, string>;
export function ensureAppLibraries(): string;
export function freePort(): Promise<number>;
export function startMoto(options?: { port?: number; quiet?: boolean }): Promise<LocalServer>;
export function startVersitygw(options?: {
  port?: number;
  quiet?: boolean;
}): Promise<LocalServer & { dir: string }>;
export function localEnv(endpoint: string): Record<string, string>;
export const MINIO_VERSION: string;
export function ensureMinio(): string;
export function startMinio(options?: {
  port?: number;
  quiet?: boolean;
}): Promise<LocalServer & { dir: string }>;
export const NODE_LTS_VERSION: string;
export function ensureNodeLts(): string;
