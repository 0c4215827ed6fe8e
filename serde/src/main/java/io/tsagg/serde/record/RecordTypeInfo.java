package io.tsagg.serde.record;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information for one of our records: always hands out the record's own serializer, so Flink
 * never analyses the class and never falls back to Kryo.
 */
public final class RecordTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    public static final RecordTypeInfo<MetricRecord> METRIC_RECORD =
            new RecordTypeInfo<>(MetricRecord.class, MetricRecordSerializer.INSTANCE);
    public static final RecordTypeInfo<WindowResult> WINDOW_RESULT =
            new RecordTypeInfo<>(WindowResult.class, WindowResultSerializer.INSTANCE);
    public static final RecordTypeInfo<DeadLetter> DEAD_LETTER =
            new RecordTypeInfo<>(DeadLetter.class, DeadLetterSerializer.INSTANCE);

    private final Class<T> type;
    private final TypeSerializer<T> serializer;

    public RecordTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.duplicate();
    }

    @Override
    public String toString() {
        return type.getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordTypeInfo && ((RecordTypeInfo<?>) o).type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof RecordTypeInfo;
    }
}
