package dev.modelcache.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * How the content of a message counts. A string is text. An array holds parts: a part with a {@code text} string is
 * text (chat {@code text}, Responses API {@code input_text} and {@code output_text}, Anthropic {@code text}); an image
 * part is approximated; any other part (audio, files, refusals, tool blocks) is left out and makes the count an
 * estimate.
 *
 * <p>Images are priced by size, which the request does not carry (a URL or base64 data), so OpenAI's vision rule is
 * applied to an assumed size: {@code detail: low} is a flat 85 tokens, anything else is taken as a 1024x1024 image at
 * high detail, 85 + 4 tiles x 170 = 765 tokens.
 */
final class ContentParts {
    static final long LOW_DETAIL_IMAGE_TOKENS = 85;
    static final long IMAGE_TOKENS = 765;

    private static final Set<String> IMAGE_TYPES = Set.of("image_url", "input_image", "image");

    private ContentParts() {
    }

    static void count(JsonNode content, Tally tally) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            tally.text(content.asText());
        } else if (content.isArray()) {
            for (JsonNode part : content) {
                part(part, tally);
            }
        } else {
            tally.markEstimated();
        }
    }

    static void part(JsonNode part, Tally tally) {
        JsonNode text = part.path("text");
        if (part.isTextual()) {
            tally.text(part.asText());
        } else if (text.isTextual()) {
            tally.text(text.asText());
        } else if (IMAGE_TYPES.contains(part.path("type").asText())) {
            tally.approximate(isLowDetail(part) ? LOW_DETAIL_IMAGE_TOKENS : IMAGE_TOKENS);
        } else {
            tally.markEstimated();
        }
    }

    private static boolean isLowDetail(JsonNode imagePart) {
        JsonNode chatDetail = imagePart.path("image_url").path("detail");
        JsonNode detail = chatDetail.isTextual() ? chatDetail : imagePart.path("detail");
        return "low".equals(detail.asText());
    }
}
