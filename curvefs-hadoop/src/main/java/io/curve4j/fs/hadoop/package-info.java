/**
 * The Hadoop-compatible CurveFS SDK: {@code org.apache.hadoop.fs.FileSystem} for
 * {@code curvefs://FS/path}, talking to the MDS, metaservers and object store directly.
 */
package io.curve4j.fs.hadoop;
