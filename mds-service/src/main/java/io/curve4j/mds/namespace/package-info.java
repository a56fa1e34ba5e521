/**
 * Directories and volumes (create, stat, list, rename, extend, delete, open/close) over
 * REST and gRPC. Column families files and dentries; deleting a volume moves it into the
 * recycle bin (its record marked, its directory entry gone, its segments kept), and the
 * recycle bin's restore, purge mark and final removal (with its segments) are applied here
 * too (see {@code mds.recycle}).
 */
package io.curve4j.mds.namespace;
