// Whether a bucket policy lets a CloudFront distribution read an object, decided by s3kit's
// own policy evaluator (the same one `policy debug` uses). Pure.
import type { PolicyDocument } from "../buckets/state.js";
import { objectArn } from "../policy/arn.js";
import { evaluate } from "../policy/evaluate.js";
import type { Decision, PolicyDocument as EvaluatorDocument } from "../policy/types.js";
import { CLOUDFRONT_SERVICE } from "./names.js";

export interface ReadCheck {
  decision: Decision;
  /** Sids (or `#n`) of the statements that decided. */
  deciding: string[];
}

/**
 * Does the policy let `caller` GetObject `key`? `caller` is a distribution ARN (the request
 * comes from CloudFront with that aws:SourceArn), or "anonymous". The request is made over
 * TLS 1.3, as CloudFront's are, so TLS-only statements do not get in the way.
 */
export function canRead(
  policy: PolicyDocument | null,
  bucket: string,
  key: string,
  caller: { distributionArn: string } | "anonymous",
): ReadCheck {
  if (!policy) return { decision: "implicit-deny", deciding: [] };
  const tls = { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3" };
  const result = evaluate(
    { resourcePolicy: { name: "bucket policy", document: policy as EvaluatorDocument } },
    {
      action: "s3:GetObject",
      resource: objectArn(bucket, key),
      ...(caller === "anonymous"
        ? { principal: "anonymous", context: tls }
        : {
            principal: CLOUDFRONT_SERVICE,
            context: { ...tls, "aws:SourceArn": caller.distributionArn },
          }),
    },
  );
  return {
    decision: result.decision,
    deciding: result.deciding.map((s) => s.sid ?? `#${s.index + 1}`),
  };
}
