/**
 * Typed settings of the MDS ({@code curve.mds.*}).
 */
package io.curve4j.mds.config;
