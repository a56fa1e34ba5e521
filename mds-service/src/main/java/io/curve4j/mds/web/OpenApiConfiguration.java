package io.curve4j.mds.web;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.curve4j.common.auth.RequestSignature;
import io.curve4j.common.error.ErrorCode;

/**
 * The MDS's OpenAPI document ({@code /v3/api-docs}, committed as {@code openapi/mds.json}):
 * a relative server so Swagger UI behind the gateway calls the gateway, the two ways to
 * authenticate, and the problem+json error shape with every stable code and the HTTP
 * status each one comes with.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String PROBLEM = "Problem";

	@Bean
	OpenAPI mdsOpenApi() {
		Components components = new Components()
			.addSecuritySchemes("bearer",
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("bearer")
						.description("A token from POST /api/v1/tokens"))
			.addSecuritySchemes("signature", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
				.in(SecurityScheme.In.HEADER)
				.name(RequestSignature.SIGNATURE_HEADER)
				.description("base64(HMAC-SHA256(key, canonical)) where key = PBKDF2-HMAC-SHA256(password, salt "
						+ "'curve4j:' + user, 100000 iterations, 32 bytes) and canonical joins with newlines "
						+ "'CURVE4J-HMAC-SHA256', the method, the path as sent, the raw query, the hex SHA-256 of the body, "
						+ "the date, the nonce and the user; with headers " + RequestSignature.OWNER_HEADER + " (the user), "
						+ RequestSignature.DATE_HEADER + " (milliseconds since the epoch, within 15 s of the server's clock) and "
						+ RequestSignature.NONCE_HEADER + " (random, once per request: a signature is accepted once)"))
			.addSchemas(PROBLEM, problemSchema());
		return new OpenAPI()
			.info(new Info().title("Curve4J MDS")
				.version("v1")
				.description("Volumes, directories, users, topology, copysets and cluster health of a Curve4J "
						+ "cluster. Every error is application/problem+json with a stable code (see the "
						+ PROBLEM + " schema)."))
			.servers(List.of(new Server().url("/").description("this service, or the gateway in front of it")))
			.components(components)
			.addSecurityItem(new SecurityRequirement().addList("bearer"))
			.addSecurityItem(new SecurityRequirement().addList("signature"));
	}

	/** Every operation can fail with the usual problems; document them once, on each. */
	@Bean
	OpenApiCustomizer problemResponses() {
		return openApi -> openApi.getPaths().values().forEach(path -> path.readOperations().forEach(this::addProblems));
	}

	private void addProblems(Operation operation) {
		Content content = new Content().addMediaType("application/problem+json",
				new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)));
		Map<Integer, List<ErrorCode>> byStatus = Arrays.stream(ErrorCode.values())
			.collect(Collectors.groupingBy(ErrorCode::httpStatus));
		for (int status : List.of(400, 401, 403, 404, 409, 503)) {
			String codes = byStatus.getOrDefault(status, List.of()).stream().map(Enum::name).collect(Collectors.joining(", "));
			operation.getResponses()
				.putIfAbsent(Integer.toString(status), new ApiResponse().description("codes: " + codes).content(content));
		}
	}

	private static Schema<?> problemSchema() {
		StringSchema code = new StringSchema();
		code.setEnum(Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
		code.description("stable machine code; " + Arrays.stream(ErrorCode.values())
			.map(c -> c.name() + "=" + c.httpStatus())
			.collect(Collectors.joining(", ")));
		ObjectSchema problem = new ObjectSchema();
		problem.description("RFC 9457 problem details with a stable code")
			.addProperty("type", new StringSchema().format("uri").example("urn:curve4j:problem:VOLUME_NOT_FOUND"))
			.addProperty("title", new StringSchema().example("VOLUME_NOT_FOUND"))
			.addProperty("status", new IntegerSchema().example(404))
			.addProperty("detail", new StringSchema().example("no volume or directory /demo/vol9"))
			.addProperty("instance", new StringSchema().format("uri"))
			.addProperty("code", code);
		// set on the typed schema: through the raw type the chained builder returns it is an unchecked call
		problem.setRequired(List.of("type", "title", "status", "detail", "code"));
		return problem;
	}

}
