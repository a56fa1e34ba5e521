/**
 * CurveFS file data in the object store: the object names of a file's pieces, which
 * piece answers which bytes, and reading them. Shared by the client, which writes and
 * reads files, and the metaservers, which compact and collect them.
 */
package io.curve4j.objectstore.filedata;
