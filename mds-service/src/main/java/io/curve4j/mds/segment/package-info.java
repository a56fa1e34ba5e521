/**
 * Segment allocation (chunk -> copyset, chunk id) and copyset member lookups for the
 * SDK. Column family segments, the chunk id counter in meta and each logical pool's
 * round-robin cursor.
 */
package io.curve4j.mds.segment;
