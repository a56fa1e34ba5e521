/**
 * The block SDK: {@link io.curve4j.sdk.block.CurveClient} for the namespace and
 * {@link io.curve4j.sdk.block.Volume} for sector-aligned I/O, split per chunk
 * ({@link io.curve4j.sdk.block.IoSplitter}) and sent to copyset leaders with retries
 * bounded by the I/O timeout. Sessions keep opened volumes alive on the MDS.
 */
package io.curve4j.sdk.block;
