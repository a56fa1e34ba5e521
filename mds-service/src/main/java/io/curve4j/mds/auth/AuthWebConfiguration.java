package io.curve4j.mds.auth;

import java.util.List;

import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.curve4j.common.error.CurveException;
import io.curve4j.common.error.ErrorCode;

/**
 * Lets controllers take the authenticated {@link Caller} as a parameter. It is not part
 * of the documented API (it comes from the credentials, not from the request).
 */
@Configuration(proxyBeanMethods = false)
class AuthWebConfiguration implements WebMvcConfigurer {

	static {
		SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
	}

	@Override
	public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
		resolvers.add(new HandlerMethodArgumentResolver() {

			@Override
			public boolean supportsParameter(MethodParameter parameter) {
				return parameter.getParameterType() == Caller.class;
			}

			@Override
			public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav,
					NativeWebRequest request, WebDataBinderFactory binders) {
				Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
				if (!(authentication instanceof CallerAuthentication caller)) {
					// the security chain did not run for this path: never fall back to an identity
					throw new CurveException(ErrorCode.UNAUTHENTICATED, "request was not authenticated");
				}
				return caller.getPrincipal();
			}

		});
	}

}
