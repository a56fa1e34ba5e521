package io.curve4j.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.size.Sizes;

/** Sizes on the command line: {@code 10GiB}, {@code 4k}, {@code 512}; a bad one is a usage error. */
final class SizeConverter implements ITypeConverter<Long> {

	@Override
	public Long convert(String value) {
		try {
			return Sizes.parse(value);
		}
		catch (CurveException ex) {
			throw new TypeConversionException(ex.getMessage());
		}
	}

}
