/**
 * Sizes: the fixed numbers of the block geometry (sector, page, chunk, segment) and the
 * parsing and printing of sizes with units (KiB, MiB, GiB, TiB).
 */
package io.curve4j.common.size;
