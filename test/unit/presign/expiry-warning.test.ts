import { describe, expect, it } from "vitest";
import { expiryWarning } from "../../../src/core/presign/expiry-warning.js";

const now = new Date("2026-01-02T10:00:00Z");
const at = (iso: string): Date => new Date(iso);

describe("expiryWarning", () => {
  it("is silent for long-term keys", () => {
    expect(expiryWarning({ urlExpiresAt: at("2026-01-09T10:00:00Z"), now })).toBeUndefined();
  });

  it("is silent when the session outlives the URL", () => {
    expect(
      expiryWarning({
        urlExpiresAt: at("2026-01-02T11:00:00Z"),
        credentialsExpireAt: at("2026-01-02T11:00:00Z"),
        now,
      }),
    ).toBeUndefined();
  });

  it("says when the URL will really stop working", () => {
    const warning = expiryWarning({
      urlExpiresAt: at("2026-01-09T10:00:00Z"),
      credentialsExpireAt: at("2026-01-02T10:45:30Z"),
      now,
    });
    expect(warning).toBe(
      "The URL was requested to be valid for 7d (until 2026-01-09T10:00:00Z), but it is signed with temporary " +
        "credentials that expire at 2026-01-02T10:45:30Z: it will stop working then, in 45m30s. For a longer-lived " +
        "URL, sign with long-term access keys or a session that lasts longer, or lower --expires.",
    );
  });

  it("says the URL will not work at all when the credentials have already expired", () => {
    expect(
      expiryWarning({
        urlExpiresAt: at("2026-01-02T11:00:00Z"),
        credentialsExpireAt: at("2026-01-02T09:59:00Z"),
        now,
      }),
    ).toMatch(/expired at 2026-01-02T09:59:00Z: the URL will not work/);
  });
});
