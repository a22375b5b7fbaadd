export const referencePath: string;
export function generateReference(): string;
