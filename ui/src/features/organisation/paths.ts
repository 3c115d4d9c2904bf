// Pure helpers of the start screen: the file name suggested for a new organisation.

/** A file-name stem from an organisation's name: letters, digits (any script), `-`; at most 60. */
export function fileStem(name: string): string {
  const stem = name
    .trim()
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/[\s.,]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return stem || 'organisation';
}

/** `folder/stem.scopebook`, with the folder's own separator (`\` on Windows paths). */
export function suggestPath(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const base = folder.replace(/[\\/]+$/, '');
  return `${base}${sep}${fileStem(name)}.scopebook`;
}

/** The last part of a path (the file name). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
