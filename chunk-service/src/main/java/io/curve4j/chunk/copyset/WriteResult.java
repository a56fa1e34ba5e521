package io.curve4j.chunk.copyset;

import io.curve4j.common.error.CurveException;

/**
 * What became of one write of a log entry.
 *
 * @param index the entry's index
 * @param refusal why the chunk refused the write (it changed nothing); null when applied
 */
public record WriteResult(long index, CurveException refusal) {
}
