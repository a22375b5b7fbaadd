// Checks the certificate for a custom domain before anything is created: that it exists in
// ACM (us-east-1), is issued, and covers every domain. Where ACM cannot be asked (an endpoint
// without it, or no acm:DescribeCertificate permission) the check is reported as skipped:
// CloudFront still refuses a certificate that does not fit, but only after the run started.
import { type CertificateDetail, DescribeCertificateCommand } from "@aws-sdk/client-acm";
import type { Aws } from "../../aws/clients.js";
import { mapAwsError } from "../../aws/errors.js";
import { ConflictError, NotFoundError, UsageError } from "../errors.js";
import { uncoveredDomains } from "./spec.js";

export interface CertificateCheck {
  /** True when ACM answered and the certificate fits; false when it could not be asked. */
  checked: boolean;
  /** The names the certificate covers (empty when not checked). */
  names: string[];
  /** Why the check was skipped. */
  warning?: string;
}

export async function checkCertificate(
  aws: Aws,
  arn: string,
  domains: readonly string[],
): Promise<CertificateCheck> {
  const acm = await aws.acm();
  let certificate: CertificateDetail | undefined;
  try {
    certificate = (await acm.send(new DescribeCertificateCommand({ CertificateArn: arn })))
      .Certificate;
  } catch (err) {
    const name = (err as { name?: string }).name ?? "";
    if (name === "ResourceNotFoundException") {
      throw new NotFoundError(
        `The certificate ${arn} does not exist in ACM (us-east-1) for this account.`,
        "Check the ARN: `aws acm list-certificates --region us-east-1` lists your certificates.",
        "CertificateNotFound",
      );
    }
    if (name === "InvalidArnException") {
      throw new UsageError(
        `ACM says ${arn} is not a valid certificate ARN.`,
        "`aws acm list-certificates --region us-east-1` lists your certificates and their ARNs.",
        "InvalidCertificateArn",
      );
    }
    const mapped = mapAwsError(err, { operation: "DescribeCertificate" });
    if (mapped.code === "EndpointUnreachable" || mapped.code === "NoCredentials") throw mapped;
    const why =
      mapped.exitCode === 4
        ? `ACM refused DescribeCertificate (${mapped.code}): these credentials may not read certificates (acm:DescribeCertificate)`
        : `ACM is not available on ${aws.endpoint("acm")} (DescribeCertificate answered ${mapped.code})`;
    return {
      checked: false,
      names: [],
      warning: `${why}, so s3kit could not check that ${arn} is issued and covers ${domains.join(", ")}; CloudFront checks it when it creates the distribution.`,
    };
  }
  const names = [
    ...new Set(
      [certificate?.DomainName, ...(certificate?.SubjectAlternativeNames ?? [])].filter(
        (n): n is string => Boolean(n),
      ),
    ),
  ];
  const uncovered = uncoveredDomains(names, domains);
  if (uncovered.length > 0) {
    throw new UsageError(
      `The certificate ${arn} does not cover ${uncovered.join(", ")}: it is for ${names.join(", ") || "no names"}.`,
      `Use a certificate whose names include ${uncovered.join(", ")} (a wildcard *.example.com covers one level: a.example.com, not example.com or a.b.example.com).`,
      "CertificateDoesNotCoverDomain",
    );
  }
  if (certificate?.Status && certificate.Status !== "ISSUED") {
    throw new ConflictError(
      `The certificate ${arn} is ${certificate.Status}, not ISSUED: CloudFront can only use an issued certificate.`,
      certificate.Status === "PENDING_VALIDATION"
        ? "Finish its validation first (add the DNS records `aws acm describe-certificate --region us-east-1 --certificate-arn ARN` lists), then run this again."
        : "Request or import a new certificate in us-east-1 and pass its ARN.",
      "CertificateNotIssued",
    );
  }
  return { checked: true, names };
}
