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
  const {
    level,
    message,
    timestamp,
    controller,
    namespace,
    name,
    reconcileID: _id,
    logger: _logger,
    stack,
    ...fields
  } = entry;
  const time = typeof timestamp === 'string' ? timestamp.slice(11, 19) : '';
  const where = [
    controller ? `[${String(controller)}]` : '',
    namespace && name ? `${String(namespace)}/${String(name)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const text = [time, String(level ?? '').padEnd(5), where, String(message ?? ''), rest]
    .filter((s) => s !== '')
    .join(' ');
  return typeof stack === 'string' ? `${text}\n${stack}` : text;
}
