/** `my-app_uploads.v2` → `MyAppUploadsV2`: CloudFormation logical ids are alphanumeric. */
export function logicalId(...parts: string[]): string {
  const id = parts
    .join("-")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");
  return /^[A-Za-z]/.test(id) ? id : `R${id}`;
}

/** `my-app.uploads` → `my_app_uploads`: a Terraform resource name. */
export function resourceName(...parts: string[]): string {
  const name = parts
    .join("_")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[a-z_]/.test(name) ? name : `r_${name}`;
}
