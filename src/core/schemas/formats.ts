/** The schema types the registry knows, by Confluent's `schemaType` name. */
import type { SchemaType } from '../../storage/schema-store.js';
import { avroFormat } from './avro.js';
import type { SchemaFormat } from './format.js';
import { jsonSchemaFormat } from './json-schema.js';
import { protobufFormat } from './protobuf.js';

export const FORMATS: Record<SchemaType, SchemaFormat> = { AVRO: avroFormat, JSON: jsonSchemaFormat, PROTOBUF: protobufFormat };
