package io.tsagg.serde.output;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The statistics a result can carry; {@code --stats} selects a subset. Names are what users type
 * and the JSON field names; line protocol uses Telegraf's basicstats suffixes ({@link #suffix}).
 */
public enum Stat {
    COUNT("count", "_count"),
    SUM("sum", "_sum"),
    MIN("min", "_min"),
    MAX("max", "_max"),
    MEAN("mean", "_mean"),
    STDDEV("stddev", "_stdev"),
    FIRST("first", "_first"),
    LAST("last", "_last");

    private final String jsonName;
    private final String suffix;

    Stat(String jsonName, String suffix) {
        this.jsonName = jsonName;
        this.suffix = suffix;
    }

    /** The name in JSON output and in {@code --stats}. */
    public String jsonName() {
        return jsonName;
    }

    /** Telegraf basicstats field suffix, e.g. {@code _stdev}. */
    public String suffix() {
        return suffix;
    }

    /** Every statistic, in output order. */
    public static Set<Stat> all() {
        return EnumSet.allOf(Stat.class);
    }

    /**
     * Parses a comma-separated list such as {@code count,mean,stddev}.
     *
     * @throws IllegalArgumentException naming the unknown entry and the allowed ones
     */
    public static Set<Stat> parseList(String list) {
        Set<Stat> out = EnumSet.noneOf(Stat.class);
        for (String part : list.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            Stat found = null;
            for (Stat s : values()) {
                if (s.jsonName.equals(name)) {
                    found = s;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException(
                        "unknown statistic '" + part.trim() + "'; allowed: " + names());
            }
            out.add(found);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no statistic selected; allowed: " + names());
        }
        return out;
    }

    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (Stat s : values()) {
            sb.append(sb.length() == 0 ? "" : ",").append(s.jsonName);
        }
        return sb.toString();
    }
}
