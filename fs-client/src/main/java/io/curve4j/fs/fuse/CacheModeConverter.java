package io.curve4j.fs.fuse;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import io.curve4j.fs.client.CacheMode;

/** Reads {@code --cache-mode off|read-only|write-back}; anything else is a usage error. */
public final class CacheModeConverter implements ITypeConverter<CacheMode> {

	@Override
	public CacheMode convert(String value) {
		try {
			return CacheMode.of(value);
		}
		catch (IllegalArgumentException ex) {
			throw new TypeConversionException(ex.getMessage());
		}
	}

}
