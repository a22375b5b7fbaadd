import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startMinio, startMoto, startVersitygw } from "../scripts/servers.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    motoEndpoint: string;
    /** versitygw: verifies SigV4 signatures (headers and presigned URLs), expiry and POST policies. */
    versitygwEndpoint: string;
    /** MinIO: enforces bucket and user policies for real (prefix conditions included); admin API. */
    minioEndpoint: string;
  }
}

/** One moto server, one versitygw and one MinIO for the run; test files use their own names. */
export default async function setup(project: TestProject) {
  const [moto, versitygw, minio] = await Promise.all([startMoto(), startVersitygw(), startMinio()]);
  project.provide("motoEndpoint", moto.endpoint);
  project.provide("versitygwEndpoint", versitygw.endpoint);
  project.provide("minioEndpoint", minio.endpoint);
  return async () => {
    await Promise.all([moto.stop(), versitygw.stop(), minio.stop()]);
  };
}
