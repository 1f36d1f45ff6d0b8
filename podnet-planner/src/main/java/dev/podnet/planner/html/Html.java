package dev.podnet.planner.html;

import java.util.Locale;

/** Escaping and number formatting shared by the report's parts. */
final class Html {

    private Html() {
    }

    /**
     * Escapes text for HTML element content, attribute values and SVG text alike. Names come from the user's YAML,
     * so nothing from the report reaches the page without passing through here.
     */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Thousands separators, always a comma: the report must read the same whatever the JVM's locale. */
    static String num(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** One decimal; a share too small to show as 0.1% still reads as non-zero, so a used subnet never says 0.0%. */
    static String pct(double percent) {
        if (percent > 0 && percent < 0.05) {
            return "<0.1%";
        }
        return String.format(Locale.ROOT, "%.1f%%", percent);
    }

    /** SVG coordinates: one decimal is plenty and keeps the file small and stable across JVMs. */
    static String px(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Shortens a label that would run into the next column of a chart; callers keep the full text in a title. */
    static String clip(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        return text.length() <= maxChars ? text : text.substring(0, maxChars - 1) + "\u2026";
    }

    static String plural(long count, String one, String many) {
        return num(count) + " " + (count == 1 ? one : many);
    }
}
