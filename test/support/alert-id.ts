/** The id of a OneView alert from its URI (`/rest/alerts/{id}`), as the bridge builds workflow IDs and dedup keys. */
export const idOf = (uri: string): string => uri.slice(uri.lastIndexOf('/') + 1);
