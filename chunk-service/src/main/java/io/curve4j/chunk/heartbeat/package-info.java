/**
 * Registration with the MDS, periodic heartbeats (disk and copyset reports), creation of
 * the copysets the MDS assigns, and the chunkserver's health.
 */
package io.curve4j.chunk.heartbeat;
