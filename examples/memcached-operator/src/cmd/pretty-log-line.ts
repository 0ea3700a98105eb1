/**
 * One JSON log line of the manager made readable for a terminal: `15:04:05 info  [proxy-config] default/web
 * proxy config written configMap=web-proxy-1a2b generation=2`. Lines that are not JSON are returned unchanged.
 */
export function prettyLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line;
    entry = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, message, timestamp, controller, namespace, name, stack, ...rest } = entry;
  // The reconcile id and the logger name are for machines; a terminal reader follows the controller and object.
  const fields = Object.entries(rest).filter(([k]) => k !== 'reconcileID' && k !== 'logger');
  const time = typeof timestamp === 'string' ? timestamp.slice(11, 19) : '';
  const where = [
    controller ? `[${text(controller)}]` : '',
    namespace && name ? `${text(namespace)}/${text(name)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const pairs = fields.map(([k, v]) => `${k}=${text(v)}`).join(' ');
  const out = [time, text(level).padEnd(5), where, text(message), pairs].filter((s) => s !== '').join(' ');
  return typeof stack === 'string' ? `${out}\n${stack}` : out;
}

/** A field's value as text: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
