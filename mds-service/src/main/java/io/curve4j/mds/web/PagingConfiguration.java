package io.curve4j.mds.web;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.web.PageableHandlerMethodArgumentResolver;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * {@link Pageable} parameters ({@code page}, {@code size}, {@code sort}) for list
 * endpoints. Spring Data's resolver quietly replaces a bad page or an oversized size with
 * a default; here they are bad input (400) with a detail that says the limits.
 */
@Configuration(proxyBeanMethods = false)
class PagingConfiguration implements WebMvcConfigurer {

	/** Largest page a list endpoint serves. */
	static final int MAX_PAGE_SIZE = 1000;

	static final int DEFAULT_PAGE_SIZE = 20;

	@Override
	public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
		resolvers.add(new StrictPageableResolver());
	}

	static final class StrictPageableResolver extends PageableHandlerMethodArgumentResolver {

		StrictPageableResolver() {
			setMaxPageSize(MAX_PAGE_SIZE);
			setFallbackPageable(PageRequest.of(0, DEFAULT_PAGE_SIZE));
		}

		@Override
		public Pageable resolveArgument(MethodParameter parameter, ModelAndViewContainer mav,
				NativeWebRequest request, WebDataBinderFactory binders) {
			check(request.getParameter(getPageParameterName()), "page", 0, Integer.MAX_VALUE);
			check(request.getParameter(getSizeParameterName()), "size", 1, MAX_PAGE_SIZE);
			return super.resolveArgument(parameter, mav, request, binders);
		}

		private static void check(String value, String name, int min, int max) {
			if (value == null) {
				return;
			}
			long n;
			try {
				n = Long.parseLong(value.strip());
			}
			catch (NumberFormatException ex) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT, name + " must be a whole number, not '" + value + "'");
			}
			if (n < min || n > max) {
				throw new CurveException(ErrorCode.INVALID_ARGUMENT,
						name + " must be between " + min + " and " + max + ", not " + n);
			}
		}

	}

}
