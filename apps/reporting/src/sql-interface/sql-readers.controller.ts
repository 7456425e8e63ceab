import { Body, Controller, Delete, Get, Param, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SqlAdminTokenGuard } from './sql-admin-token.guard.js';
import type { CreatedSqlReader, RevokedSqlReader, SqlReader } from './sql-reader-roles.js';
import { CreateSqlReaderDto } from './sql-readers.dto.js';
import { SQL_ADMIN_TOKEN_HEADER, SqlReadersService } from './sql-readers.service.js';

@ApiTags('sql-readers')
@ApiHeader({ name: SQL_ADMIN_TOKEN_HEADER, required: true, description: "The token the app wrote at its start to REPORTING_ADMIN_TOKEN_FILE (readable by the app's user only)." })
@UseGuards(SqlAdminTokenGuard)
@Controller('v1/sql-readers')
export class SqlReadersController {
  constructor(private readonly readers: SqlReadersService) {}

  @Post()
  @ApiOperation({ summary: 'Creates a reader of the embedded store: a role in the reader role with a generated password, answered once (only its SCRAM-SHA-256 verifier is kept).' })
  create(@Body() body: CreateSqlReaderDto): Promise<CreatedSqlReader> {
    return this.readers.create(body.name);
  }

  @Get()
  @ApiOperation({ summary: 'Every member of the reader role: the readers made here, and any an administrator added by hand.' })
  async list(): Promise<{ readers: SqlReader[] }> {
    return { readers: await this.readers.list() };
  }

  @Delete(':name')
  @ApiOperation({ summary: "Revokes a reader: its role is dropped (or kept NOLOGIN when something depends on it) and its open connections end." })
  revoke(@Param('name') name: string): Promise<RevokedSqlReader> {
    return this.readers.revoke(name);
  }
}
