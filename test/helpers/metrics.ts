/**
 * The value of one Prometheus sample the gateway at `url` serves on /metrics: the line of `name`
 * whose labels include every `labels` pair; 0 when there is none yet.
 */
export async function readMetric(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((pair) => l.includes(pair)));
  return line ? Number(line.split(' ').pop()) : 0;
}
