import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startMoto, startVersitygw } from "../scripts/servers.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    motoEndpoint: string;
    /** versitygw: verifies SigV4 signatures (headers and presigned URLs), expiry and POST policies. */
    versitygwEndpoint: string;
  }
}

/** One moto server and one versitygw for the run; test files use their own bucket and user names. */
export default async function setup(project: TestProject) {
  const [moto, versitygw] = await Promise.all([startMoto(), startVersitygw()]);
  project.provide("motoEndpoint", moto.endpoint);
  project.provide("versitygwEndpoint", versitygw.endpoint);
  return async () => {
    await Promise.all([moto.stop(), versitygw.stop()]);
  };
}
