/**
 * Directories and volumes (create, stat, list, rename, extend, delete, open/close) over
 * REST and gRPC. Column families files and dentries; deleting a volume also drops its
 * segments.
 */
package io.curve4j.mds.namespace;
