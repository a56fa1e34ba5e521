/**
 * The FUSE mount: {@link io.curve4j.fs.fuse.CurveFuse} maps libfuse's path calls to the
 * CurveFS client, {@link io.curve4j.fs.fuse.MountMain} is the client process.
 */
package io.curve4j.fs.fuse;
