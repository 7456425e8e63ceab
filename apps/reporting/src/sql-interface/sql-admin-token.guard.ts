import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ProblemCode } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { SQL_ADMIN_TOKEN_HEADER, SqlReadersService } from './sql-readers.service.js';

/** Only `npm run sql-reader`, with the token this start of the app wrote to its admin token file. */
@Injectable()
export class SqlAdminTokenGuard implements CanActivate {
  constructor(private readonly readers: SqlReadersService) {}

  canActivate(context: ExecutionContext): boolean {
    const presented = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers[SQL_ADMIN_TOKEN_HEADER];
    if (this.readers.isAdmin(presented)) return true;
    throw new DomainException(ProblemCode.unauthenticated, `administering SQL readers needs the ${SQL_ADMIN_TOKEN_HEADER} header with the token in the reporting app's admin token file: use npm run sql-reader on the app's machine`);
  }
}
