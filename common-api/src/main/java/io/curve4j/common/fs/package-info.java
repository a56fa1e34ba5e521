/**
 * CurveFS metadata rules that both the metaservers, which store the metadata, and a
 * client, which answers with it before a record is committed, must apply alike.
 */
package io.curve4j.common.fs;
