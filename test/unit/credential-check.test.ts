// Proving credentials where there is no STS GetCallerIdentity. The answers are those MinIO
// and versitygw give (the e2e suite runs against both); the fakes cover the branches.
import { describe, expect, it } from "vitest";
import { stsUnavailableAnswer } from "../../src/aws/errors.js";
import { checkCredentials } from "../../src/core/credential-check.js";
import { ExitCode } from "../../src/core/errors.js";
import { fakeAws as fake, sdkError as fakeSdkError, type Handler } from "../support/fake-aws.js";

const sdkError = (name: string, status: number, message = `${name} message`) =>
  fakeSdkError(name, status, message);

function fakeAws(handlers: Record<string, Handler>) {
  const { aws, operations } = fake(handlers);
  return { aws, calls: operations };
}

const throws = (err: Error) => () => {
  throw err;
};
const minioSts = () =>
  sdkError("InvalidParameterValue", 400, "Unsupported action GetCallerIdentity");

describe("stsUnavailableAnswer", () => {
  it("recognises endpoints without GetCallerIdentity", () => {
    expect(stsUnavailableAnswer(minioSts())).toBe(true);
    expect(
      stsUnavailableAnswer(sdkError("Unknown", 405, "The specified method is not allowed")),
    ).toBe(true);
    expect(stsUnavailableAnswer(sdkError("NotImplemented", 501))).toBe(true);
    expect(stsUnavailableAnswer(sdkError("InvalidAction", 400))).toBe(true);
    expect(stsUnavailableAnswer(sdkError("NotFound", 404))).toBe(true);
  });

  it("never mistakes refused credentials for a missing STS", () => {
    expect(stsUnavailableAnswer(sdkError("SignatureDoesNotMatch", 403))).toBe(false);
    expect(stsUnavailableAnswer(sdkError("InvalidClientTokenId", 403))).toBe(false);
    expect(stsUnavailableAnswer(sdkError("ExpiredToken", 400))).toBe(false);
    expect(stsUnavailableAnswer(sdkError("InvalidParameterValue", 400, "Bad duration"))).toBe(
      false,
    );
  });
});

describe("checkCredentials", () => {
  it("uses STS where it exists, and nothing else", async () => {
    const { aws, calls } = fakeAws({
      GetCallerIdentity: () => ({
        Account: "123456789012",
        Arn: "arn:aws:iam::123456789012:user/a",
        UserId: "AID",
      }),
    });
    const proof = await checkCredentials(aws);
    expect(calls).toEqual(["GetCallerIdentity"]);
    expect(proof).toMatchObject({
      verifiedBy: "STS GetCallerIdentity",
      identityUnavailableReason: null,
    });
  });

  it("refused credentials on STS are exit 4, without a second try on S3", async () => {
    const { aws, calls } = fakeAws({
      GetCallerIdentity: throws(sdkError("InvalidClientTokenId", 403)),
    });
    await expect(checkCredentials(aws)).rejects.toMatchObject({ exitCode: ExitCode.accessDenied });
    expect(calls).toEqual(["GetCallerIdentity"]);
  });

  it("falls back to ListBuckets, then ListObjectsV2 on the bucket for a limited key", async () => {
    const { aws, calls } = fakeAws({
      GetCallerIdentity: throws(minioSts()),
      ListBuckets: throws(sdkError("AccessDenied", 403)),
      ListObjectsV2: () => ({ KeyCount: 0 }),
    });
    const proof = await checkCredentials(aws, { bucket: "app" });
    expect(calls).toEqual(["GetCallerIdentity", "ListBuckets", "ListObjectsV2"]);
    expect(proof).toEqual({
      verifiedBy: "S3 ListObjectsV2 on app",
      actionDenied: false,
      identity: null,
      identityUnavailableReason: "this endpoint has no STS GetCallerIdentity",
    });
  });

  it("a refused signature on the S3 fallback is exit 4", async () => {
    const { aws } = fakeAws({
      GetCallerIdentity: throws(minioSts()),
      ListBuckets: throws(sdkError("SignatureDoesNotMatch", 403)),
    });
    await expect(checkCredentials(aws)).rejects.toMatchObject({
      exitCode: ExitCode.accessDenied,
      code: "SignatureDoesNotMatch",
    });
  });
});
