import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tributary/database';
import { PrismaClient } from '../generated/prisma/client.js';

/** The reporting database: reporting_store (what the pumps deliver) and the published reporting_v1 views. */
@Injectable()
export class ReportingDatabase extends PrismaService(PrismaClient) {}
