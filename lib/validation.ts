// Checks for construct props. Each throws at once, naming the prop, the value and what is valid, so a bad
// value stops `cdk8s synth` before anything is written. The patterns are the ones the Kubernetes API server
// applies (k8s.io/apimachinery/pkg/util/validation).

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Formats a prop value for an error message, showing its type where `String()` would hide it. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value !== null && typeof value === 'object') {
    let json: string;
    try {
      json = JSON.stringify(value) ?? String(value);
    } catch {
      json = String(value);
    }
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  }
  return String(value);
}

/** An integer within [min, max]. */
export function checkInteger(prop: string, value: number, min: number, max: number, why = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`'${prop}' (${show(value)}) must be an integer from ${min} to ${max}${why}`);
  }
}

/** A DNS-1035 label (what a Service name must be), at most `maxLength` characters. */
export function checkDns1035Label(prop: string, value: string, maxLength = 63): void {
  if (typeof value !== 'string' || value.length > maxLength || !DNS1035_LABEL.test(value)) {
    throw new Error(`'${prop}' (${show(value)}) must be at most ${maxLength} characters of lowercase letters, digits and '-', `
      + 'starting with a letter and ending with a letter or digit (a DNS-1035 label, as Service names are)');
  }
}

/** A DNS-1123 label: what a namespace name must be. */
export function checkDns1123Label(prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new Error(`'${prop}' (${show(value)}) must be at most 63 characters of lowercase letters, digits and '-', `
      + 'starting and ending with a letter or digit (a DNS-1123 label)');
  }
}

/** A DNS domain such as `cluster.local`: dot-separated DNS-1123 labels, at most 253 characters, no trailing dot. */
export function checkDnsDomain(prop: string, value: string): void {
  const ok = typeof value === 'string' && value.length > 0 && value.length <= 253
    && value.split('.').every((label) => label.length <= 63 && DNS1123_LABEL.test(label));
  if (!ok) {
    throw new Error(`'${prop}' (${show(value)}) must be a DNS domain like "cluster.local": dot-separated labels `
      + 'of lowercase letters, digits and \'-\', at most 253 characters, no leading or trailing dot');
  }
}

/** A label key (optional DNS-subdomain prefix and '/', then a name of at most 63 characters) and its value. */
export function checkLabel(prop: string, key: string, value: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253
    && prefix.split('.').every((label) => DNS1123_LABEL.test(label)));
  if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new Error(`'${prop}' key ${show(key)} is not a valid label key: an optional DNS-subdomain prefix and '/', `
      + 'then at most 63 characters of letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit');
  }
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new Error(`'${prop}' value ${show(value)} for key ${show(key)} is not a valid label value: at most 63 `
      + 'characters of letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit');
  }
}

/** A string that must be non-empty and free of white space (image references, cluster names). */
export function checkToken(prop: string, value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || /\s/.test(value)) {
    throw new Error(`'${prop}' (${show(value)}) must be ${what}: a non-empty string without white space`);
  }
}

/** A DNS-1123 subdomain: what most object names (Secrets, ConfigMaps) must be. */
export function checkDns1123Subdomain(prop: string, value: string): void {
  const ok = typeof value === 'string' && value.length > 0 && value.length <= 253
    && value.split('.').every((label) => DNS1123_LABEL.test(label));
  if (!ok) {
    throw new Error(`'${prop}' (${show(value)}) must be an object name: at most 253 characters of lowercase `
      + 'letters, digits, \'-\' and \'.\', starting and ending with a letter or digit (a DNS-1123 subdomain)');
  }
}

/** An environment variable name as Kubernetes accepts it. */
export function checkEnvName(prop: string, value: string): void {
  if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)) {
    throw new Error(`'${prop}' name ${show(value)} must be letters, digits, '_', '-' and '.', not starting with a digit`);
  }
}
