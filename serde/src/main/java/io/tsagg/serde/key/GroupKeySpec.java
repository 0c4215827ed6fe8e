package io.tsagg.serde.key;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * Which tags of a series key make up its group key: all of them (the series itself), only some
 * ({@code --group-by region,service}) or all but some ({@code --without host}). The measurement and
 * the field always stay. Tag names are compared as unescaped UTF-8 bytes.
 *
 * <p>Immutable and serializable (it travels inside the job's deserializers).
 */
public final class GroupKeySpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How the listed tags are used. */
    public enum Mode {
        /** Group key = series key; the tag list is empty. */
        SERIES,
        /** Keep only the listed tags. */
        KEEP,
        /** Drop the listed tags. */
        DROP
    }

    private static final GroupKeySpec SERIES = new GroupKeySpec(Mode.SERIES, List.of());

    private final Mode mode;
    private final List<String> tags;
    private transient byte[][] tagBytes;

    private GroupKeySpec(Mode mode, List<String> tags) {
        this.mode = mode;
        this.tags = Collections.unmodifiableList(new ArrayList<>(new TreeSet<>(tags)));
    }

    /** Group by the whole series key. */
    public static GroupKeySpec series() {
        return SERIES;
    }

    /** Keep only {@code tags}; an empty list keeps no tag (measurement and field only). */
    public static GroupKeySpec keep(List<String> tags) {
        return new GroupKeySpec(Mode.KEEP, tags);
    }

    /** Drop {@code tags}; an empty list is the series key. */
    public static GroupKeySpec drop(List<String> tags) {
        return tags.isEmpty() ? SERIES : new GroupKeySpec(Mode.DROP, tags);
    }

    public Mode mode() {
        return mode;
    }

    /** The listed tag names, sorted, without duplicates. */
    public List<String> tags() {
        return tags;
    }

    /** True when group keys are the series keys themselves. */
    public boolean isSeries() {
        return mode == Mode.SERIES;
    }

    /** Whether the tag named {@code b[off, off + len)} (unescaped) is part of the group key. */
    public boolean keepsTag(byte[] b, int off, int len) {
        if (mode == Mode.SERIES) {
            return true;
        }
        byte[][] listed = tagBytes();
        boolean listedTag = false;
        for (byte[] t : listed) {
            if (t.length == len && Arrays.equals(t, 0, len, b, off, off + len)) {
                listedTag = true;
                break;
            }
        }
        return listedTag == (mode == Mode.KEEP);
    }

    private byte[][] tagBytes() {
        byte[][] t = tagBytes;
        if (t == null) {
            t = new byte[tags.size()][];
            for (int i = 0; i < t.length; i++) {
                t[i] = tags.get(i).getBytes(StandardCharsets.UTF_8);
            }
            tagBytes = t;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupKeySpec
                && ((GroupKeySpec) o).mode == mode
                && ((GroupKeySpec) o).tags.equals(tags);
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + tags.hashCode();
    }

    @Override
    public String toString() {
        switch (mode) {
            case KEEP:
                return "group-by " + String.join(",", tags);
            case DROP:
                return "without " + String.join(",", tags);
            default:
                return "series";
        }
    }
}
