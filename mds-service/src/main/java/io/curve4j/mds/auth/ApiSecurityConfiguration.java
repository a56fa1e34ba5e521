package io.curve4j.mds.auth;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import io.curve4j.common.error.ErrorCode;
import io.curve4j.common.auth.RequestSignature;
import io.curve4j.mds.config.MdsProperties;
import io.curve4j.mds.web.Problems;

/**
 * The REST API's door, in Spring Security: every {@code /api/**} request is authenticated
 * ({@link CurveAuthenticationFilter}), and admin operations (topology, schedulers,
 * operators, users) need root. Spring Security's firewall sees every request first and
 * refuses paths that are not normalised or hide their meaning (';', encoded '/', '.' or
 * '%'); rules match the decoded path, so {@code /%61pi/v1/...} is {@code /api/v1/...}.
 * Actuator and the API documentation stay open.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration {

	@Bean
	CurveAuthenticationProvider curveAuthenticationProvider(Users users) {
		return new CurveAuthenticationProvider(users);
	}

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, CurveAuthenticationProvider provider, Users users,
			MdsProperties properties) throws Exception {
		CurveAuthenticationFilter authentication = new CurveAuthenticationFilter(new ProviderManager(provider), users,
				properties.getMaxBodySize().toBytes());
		return http.securityMatcher("/api/**")
			.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.anonymous(AbstractHttpConfigurer::disable)
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.addFilterAt(authentication, BasicAuthenticationFilter.class)
			.authorizeHttpRequests(rules -> rules
				.requestMatchers(HttpMethod.POST, "/api/v1/topology").hasAuthority(CallerAuthentication.ROOT)
				.requestMatchers("/api/v1/schedulers/**", "/api/v1/operators/**", "/api/v1/users/**")
				.hasAuthority(CallerAuthentication.ROOT)
				.anyRequest()
				.authenticated())
			.exceptionHandling(e -> e
				.authenticationEntryPoint((request, response, ex) -> Problems.write(response, ErrorCode.UNAUTHENTICATED,
						"authenticate with Authorization: Bearer TOKEN (from POST /api/v1/tokens, itself signed) or sign "
								+ "the request (" + RequestSignature.OWNER_HEADER + ", " + RequestSignature.DATE_HEADER + ", "
								+ RequestSignature.NONCE_HEADER + ", " + RequestSignature.SIGNATURE_HEADER + ")"))
				.accessDeniedHandler((request, response, ex) -> Problems.write(response, ErrorCode.ROOT_REQUIRED,
						"only root may " + request.getMethod() + " " + request.getRequestURI())))
			.build();
	}

	/** A request the firewall refuses (an odd path) gets a problem, not the container's error page. */
	@Bean
	RequestRejectedHandler requestRejectedHandler() {
		return (request, response, ex) -> Problems.write(response, ErrorCode.INVALID_PATH,
				"the request was refused: " + ex.getMessage() + "; send a normalised path without ';' or encoded '/', '.' or '%'");
	}

}
