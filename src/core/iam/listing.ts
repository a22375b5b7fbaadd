// IAM listings every part of s3kit needs, each following every page (Marker / IsTruncated).
import {
  type AccessKeyMetadata,
  type IAMClient,
  ListAccessKeysCommand,
  ListRoleTagsCommand,
  ListUserTagsCommand,
} from "@aws-sdk/client-iam";
import type { Tag } from "./names.js";

/** Wraps each call, e.g. with the throttling back-off of a worker pool. */
export type CallWrapper = <X>(fn: () => Promise<X>) => Promise<X>;
const direct: CallWrapper = (fn) => fn();

/** Collects every page of an IAM listing (Marker / IsTruncated). */
export async function allPages<P extends { IsTruncated?: boolean; Marker?: string }>(
  fetch: (marker: string | undefined) => Promise<P>,
): Promise<P[]> {
  const pages: P[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await fetch(marker);
    pages.push(page);
    if (!page.IsTruncated || !page.Marker || page.Marker === marker) return pages;
    marker = page.Marker;
  }
}

/** The Marker parameter of the next page, when there is one. */
export function markerInput(marker: string | undefined): { Marker?: string } {
  return marker ? { Marker: marker } : {};
}

export async function listPrincipalTags(
  iam: IAMClient,
  kind: "user" | "role",
  name: string,
  call: CallWrapper = direct,
): Promise<Tag[]> {
  const pages = await allPages((marker) =>
    call(() =>
      kind === "user"
        ? iam.send(new ListUserTagsCommand({ UserName: name, ...markerInput(marker) }))
        : iam.send(new ListRoleTagsCommand({ RoleName: name, ...markerInput(marker) })),
    ),
  );
  return pages.flatMap((p) =>
    (p.Tags ?? []).map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" })),
  );
}

export async function listAccessKeys(
  iam: IAMClient,
  userName: string,
  call: CallWrapper = direct,
): Promise<AccessKeyMetadata[]> {
  const pages = await allPages((marker) =>
    call(() => iam.send(new ListAccessKeysCommand({ UserName: userName, ...markerInput(marker) }))),
  );
  return pages.flatMap((p) => p.AccessKeyMetadata ?? []);
}
