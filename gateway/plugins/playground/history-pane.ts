/**
 * Yoga's GraphiQL build replaces GraphiQL's default sidebar plugins (the History pane) with its
 * Explorer, and its options are JSON, so no option brings History back. GraphiQL records history
 * only when its History plugin is in that list, so this adds the build's own History plugin next
 * to the Explorer in the rendered page. Both patterns are checked: if a future build changes them,
 * the page is served unpatched (Explorer only) and `applied` says so.
 */
export function addHistoryPane(html: string): { html: string; applied: boolean } {
  const historyPlugin = /const ([\w$]+)=\{title:"History",/.exec(html)?.[1];
  const pluginList = /(shouldPersistHeaders:!0,plugins:\[)([\w$]+)\]/;
  if (!historyPlugin || !pluginList.test(html)) return { html, applied: false };
  return { html: html.replace(pluginList, `$1$2,${historyPlugin}]`), applied: true };
}
