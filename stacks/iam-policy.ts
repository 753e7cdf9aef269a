/** One statement of an IAM or resource policy, as it appears in the policy document. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Record<string, string | string[]>;
  Action: string | string[];
  /** Absent only in trust policies, which name no resource. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A policy document as the JSON string Terraform expects; tokens inside resolve at synth. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Anything whose role takes statements: a function, or a role of its own. */
export interface PolicyHolder {
  addToRolePolicy(...statements: readonly PolicyStatement[]): void;
}
