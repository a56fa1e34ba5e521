/**
 * The CurveFS client without FUSE: the mount's session with the MDS, calls to the
 * metaservers, the namespace operations and file data in the object store.
 */
package io.curve4j.fs.client;
