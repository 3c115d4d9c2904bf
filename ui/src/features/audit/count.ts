// How the Audit screen words a page's count and whether there is a next page. A text's matches
// are counted up to 10,000 (decision 0041): `total_at_least` says the count stopped there, and
// is then shown as "more than", never as the number of matches.
import type { AuditPage } from '../../lib/bindings';

/** The dictionary key and its values for the count badge. */
export function countLabel(page: Pick<AuditPage, 'total' | 'total_at_least'>): ['audit.count' | 'audit.countAtLeast', { count: number }] {
  return [page.total_at_least ? 'audit.countAtLeast' : 'audit.count', { count: page.total }];
}

/** Whether a page follows the one at `offset` (`size` entries a page). */
export function hasNext(page: Pick<AuditPage, 'total' | 'total_at_least'>, offset: number, size: number): boolean {
  return page.total_at_least || offset + size < page.total;
}
